namespace HaSystem.Web.Hosting;

/// <summary>Bound from <c>Web:Https</c>.</summary>
public sealed class HttpsOptions
{
    public const string SectionName = "Web:Https";

    /// <summary>
    /// Whether plain HTTP requests are redirected to HTTPS and HTTPS answers carry HSTS. The AppHost sets it outside
    /// Development; a web replica run on its own does the same when unset. Health probes and <c>/replica</c> are never
    /// redirected: load balancers and the AppHost probe over HTTP.
    /// </summary>
    public bool? RedirectHttp { get; set; }
}
