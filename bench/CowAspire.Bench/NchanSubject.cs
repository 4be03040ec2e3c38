using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace CowAspire.Bench;

/// <summary>
/// The peer: nginx with the nchan module on loopback, as a standalone SSE pub/sub server. Subscribers use an
/// EventSource location over TLS (HTTP/2 and HTTP/1.1 by ALPN on one port, a certificate made with openssl for the
/// run), and over plain HTTP/1.1 on a port of its own (h1c); messages are POSTed to a publisher location on a plain-HTTP listener, as CowAspire's are POSTed to its
/// plain-HTTP Api. Messages stay in a 1000-message buffer, as CowAspire keeps 1000 in history, so a reconnecting
/// subscriber resumes with Last-Event-ID. One worker when the gateway is measured on its own, two for the whole app.
/// </summary>
public sealed class NchanSubject(BenchOptions options, Target target) : ISubject
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) });
    private DirectoryInfo? _dir;
    private ChildProcess? _nginx;
    private Uri? _publish;
    private IReadOnlyList<int> _workers = [];
    private string? _certificateHash;

    public string Name => "nchan";

    private int Workers => target == Target.Gateway ? 1 : options.NginxWorkers;

    public string GatewayLabel => Workers == 1 ? "nginx worker (1 process)" : $"nginx workers ({Workers} processes)";

    public string AllLabel => "nginx master + workers";

    public Uri SubscribeUrl { get; private set; } = new("https://127.0.0.1/");

    public Uri? PlainSubscribeUrl { get; private set; }

    public IReadOnlyList<int> GatewayPids => _workers;

    public IReadOnlyList<int> AllPids => [.. Processes.Select(p => p.Pid)];

    public IReadOnlyList<(string Name, int Pid)> Processes =>
        [.. _nginx is { } master ? [("master", master.Pid)] : Array.Empty<(string, int)>(), .. _workers.Select((pid, i) => ($"worker-{i}", pid))];

    public string? Config { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _dir = Directory.CreateTempSubdirectory("cowaspire-bench-nchan-");
        var dir = _dir.FullName;
        await RunAsync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", $"{dir}/key.pem", "-out", $"{dir}/cert.pem"], cancellationToken);

        using (var certificate = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync($"{dir}/cert.pem", cancellationToken)))
        {
            _certificateHash = certificate.GetCertHashString();
        }

        var (tlsPort, subscribePort, plainPort) = (LoopbackPort.Free(), LoopbackPort.Free(), LoopbackPort.Free());
        Config = $$"""
            load_module /usr/lib/nginx/modules/ngx_nchan_module.so;
            worker_processes {{Workers}};
            # One descriptor per subscriber connection: as many as this machine lets a process have.
            worker_rlimit_nofile {{ProcStats.OpenFiles().Hard}};
            pid {{dir}}/nginx.pid;
            error_log {{dir}}/error.log warn;
            daemon off;
            events { worker_connections 65536; }
            http {
              access_log off;
              client_body_temp_path {{dir}}/body;
              proxy_temp_path {{dir}}/proxy;
              fastcgi_temp_path {{dir}}/fastcgi;
              uwsgi_temp_path {{dir}}/uwsgi;
              scgi_temp_path {{dir}}/scgi;
              keepalive_requests 1000000;
              server {
                # reuseport: the kernel spreads connections over the workers (without it one worker may take them all).
                # http2 here offers h2 and http/1.1 by ALPN on the same port, as Kestrel does.
                listen 127.0.0.1:{{tlsPort}} ssl http2 reuseport;
                # h1c: the same location over plain HTTP/1.1, as CowAspire's http endpoint serves it.
                listen 127.0.0.1:{{subscribePort}} reuseport;
                ssl_certificate {{dir}}/cert.pem;
                ssl_certificate_key {{dir}}/key.pem;
                # As many streams on one connection as CowAspire's Kestrel allows (the bench opens one per connection).
                http2_max_concurrent_streams 1000;
                location = /sub {
                  nchan_subscriber eventsource;
                  nchan_channel_id quotes;
                  # Like CowAspire's /events: from now on (nchan's default, oldest, would replay the buffer first).
                  nchan_subscriber_first_message newest;
                }
              }
              server {
                listen 127.0.0.1:{{plainPort}};
                location = /pub {
                  nchan_publisher;
                  nchan_channel_id quotes;
                  nchan_message_buffer_length 1000;
                  nchan_message_timeout 10m;
                }
              }
            }
            """;
        await File.WriteAllTextAsync($"{dir}/nginx.conf", Config, cancellationToken);

        _nginx = await ChildProcess.StartAsync("/usr/sbin/nginx", ["-c", $"{dir}/nginx.conf", "-p", dir, "-e", $"{dir}/error.log"], workingDirectory: dir);
        SubscribeUrl = new Uri($"https://127.0.0.1:{tlsPort}/sub");
        PlainSubscribeUrl = new Uri($"http://127.0.0.1:{subscribePort}/sub");
        _publish = new Uri($"http://127.0.0.1:{plainPort}/pub");

        // Ready when the publisher answers (404: the channel does not exist yet) and every worker is up.
        var deadline = Stopwatch.StartNew();
        var nginx = _nginx;
        await HttpPoll.UntilAsync(_http, _publish, _ => (_workers = ProcStats.Children(nginx.Pid)).Count >= Workers,
            () => nginx.HasExited || deadline.Elapsed > options.StartTimeout
                ? $"nginx did not start. Output:\n{nginx.Tail}\nerror.log:\n{(File.Exists($"{dir}/error.log") ? File.ReadAllText($"{dir}/error.log") : "")}"
                : null,
            TimeSpan.FromMilliseconds(100), cancellationToken);
    }

    public Task<int> PublishAsync(int seq, CancellationToken cancellationToken) =>
        Messages.PostHtmlAsync(_http, _publish!, seq, options.TextLength, cancellationToken);

    public async Task<string> StopAsync()
    {
        if (_nginx is null)
        {
            return "not started";
        }
        var how = await _nginx.StopAsync("TERM", TimeSpan.FromSeconds(10));
        var notes = new List<string> { $"nginx stopped by SIG{how}" };
        var deadline = DateTime.UtcNow.AddSeconds(5);
        List<int> left;
        while ((left = [.. _workers.Where(pid => ProcStats.IsRunning(pid, "nginx"))]).Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        foreach (var pid in left)
        {
            ChildProcess.Signal(pid, "KILL");
            notes.Add($"worker {pid} was left running and was killed");
        }
        if (left.Count == 0)
        {
            notes.Add("no process left");
        }
        return string.Join("; ", notes);
    }

    /// <summary>The self-signed certificate made for this run.</summary>
    public bool Trusts(X509Certificate certificate) => _certificateHash is not null && certificate.GetCertHashString() == _certificateHash;

    public async ValueTask DisposeAsync()
    {
        if (_nginx is { HasExited: false })
        {
            await StopAsync();
        }
        _nginx?.Dispose();
        _http.Dispose();
        try
        {
            _dir?.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task RunAsync(string file, string[] arguments, CancellationToken cancellationToken)
    {
        var (code, _, error) = await Command.RunAsync(file, arguments, TimeSpan.FromMinutes(1), cancellationToken);
        if (code != 0)
        {
            throw new InvalidOperationException($"{file} failed ({code}): {error}");
        }
    }
}
