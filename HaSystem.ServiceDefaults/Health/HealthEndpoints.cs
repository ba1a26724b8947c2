using Microsoft.AspNetCore.Http;

namespace HaSystem.ServiceDefaults.Health;

/// <summary>The health paths and the tags that select the checks behind them.</summary>
public static class HealthEndpoints
{
    public const string Alive = "/alive";
    public const string Ready = "/health/ready";
    public const string Health = "/health";

    /// <summary>Checks that say the process itself works.</summary>
    public const string LiveTag = "live";

    /// <summary>Checks of the infrastructure the service depends on.</summary>
    public const string ReadyTag = "ready";

    public static bool IsHealthPath(PathString path) =>
        path.StartsWithSegments(Health) || path.StartsWithSegments(Alive);
}
