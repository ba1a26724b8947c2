using Microsoft.AspNetCore.Http;

namespace HaSystem.ServiceDefaults.Health;

/// <summary>
/// The health paths. <see cref="Alive"/> runs only the checks tagged <see cref="LiveTag"/>; <see cref="Ready"/> runs every
/// other check, so a library that registers a check of its infrastructure (Redis, a database) needs no tag of ours.
/// </summary>
public static class HealthEndpoints
{
    public const string Alive = "/alive";
    public const string Ready = "/health/ready";
    public const string Health = "/health";

    /// <summary>Checks that say the process itself works.</summary>
    public const string LiveTag = "live";

    public static bool IsHealthPath(PathString path) =>
        path.StartsWithSegments(Health) || path.StartsWithSegments(Alive);
}
