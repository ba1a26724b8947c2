using System.Net;
using System.Net.Sockets;

namespace HaSystem.Tests.Security;

/// <summary>
/// An HTTP client whose connections come from a chosen loopback address (127.0.0.0/8 is all local on Linux), so that
/// the API, called directly on a replica's own address, sees a client address of the test's own: a test that trips
/// the per-address sign-in limit throttles only itself, and can prove another address is not throttled.
/// </summary>
public static class LoopbackClient
{
    public static HttpClient From(IPAddress source, TimeSpan? timeout = null)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.Zero,
            // A redirect is an answer: an attacker's request is judged by it, not by where it leads.
            AllowAutoRedirect = false,
            // The web front end's HTTPS endpoint has the self-signed development certificate.
            SslOptions = { RemoteCertificateValidationCallback = DevelopmentCertificate.Validate },
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(context.DnsEndPoint.Host == "localhost" ? new IPEndPoint(IPAddress.Loopback, context.DnsEndPoint.Port) : context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { Timeout = timeout ?? TimeSpan.FromSeconds(10) };
    }
}
