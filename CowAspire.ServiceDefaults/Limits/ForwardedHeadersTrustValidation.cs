using System.Net;
using Microsoft.Extensions.Options;

namespace CowAspire.ServiceDefaults.Limits;

/// <summary>Refuses the service's start on a network or address that does not parse, rather than trusting less than meant.</summary>
internal sealed class ForwardedHeadersTrustValidation : IValidateOptions<ForwardedHeadersTrustOptions>
{
    public ValidateOptionsResult Validate(string? name, ForwardedHeadersTrustOptions options)
    {
        var errors = options.KnownNetworks.Where(n => !IPNetwork.TryParse(n, out _))
            .Select(n => $"{ForwardedHeadersTrustOptions.SectionName}:{nameof(options.KnownNetworks)} has '{n}', which is no network in CIDR notation.")
            .Concat(options.KnownProxies.Where(p => !IPAddress.TryParse(p, out _))
                .Select(p => $"{ForwardedHeadersTrustOptions.SectionName}:{nameof(options.KnownProxies)} has '{p}', which is no IP address."))
            .ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
