namespace CowAspire.Web.Limits;

public enum StreamRefusal
{
    None,
    GatewayFull,
    AddressFull,
}
