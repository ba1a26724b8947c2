using System.Globalization;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>Where the cluster's processes listen: 127.0.0.1 and the port Aspire allocated to each endpoint.</summary>
internal static class LoopbackEndpoints
{
    public const string Address = "127.0.0.1";

    /// <summary>The endpoint's port; asking before the process first starts waits until it is allocated.</summary>
    public static async Task<int> PortAsync(EndpointReference endpoint, CancellationToken cancellationToken)
    {
        var port = await endpoint.Property(EndpointProperty.TargetPort).GetValueAsync(cancellationToken).ConfigureAwait(false);
        return int.Parse(port ?? throw new DistributedApplicationException($"{endpoint.Resource.Name} has no port for '{endpoint.EndpointName}' yet."), CultureInfo.InvariantCulture);
    }

    /// <summary><c>http://127.0.0.1:{port}{path}</c>, e.g. an etcd URL (no path) or a Patroni REST call.</summary>
    public static async Task<string> UrlAsync(EndpointReference endpoint, string path, CancellationToken cancellationToken)
    {
        var port = await PortAsync(endpoint, cancellationToken).ConfigureAwait(false);
        return string.Create(CultureInfo.InvariantCulture, $"http://{Address}:{port}{path}");
    }
}
