namespace HaSystem.Coordination.Redis;

/// <summary>
/// Who writes which keys and channels in Redis. Each service's Redis user (an ACL user the AppHost creates on every node)
/// may touch only the prefixes granted to it here, so a service that writes outside its prefixes gets <c>NOPERM</c>:
/// the services take their key names from these constants, and the AppHost grants them.
/// </summary>
public static class RedisKeyspace
{
    /// <summary>The API's second-level catalog cache (<c>cache</c> role), tag timestamps included.</summary>
    public const string Catalog = "catalog:";

    /// <summary>The channel prefix of the catalog cache's backplane (<c>cache</c> role): invalidations between API replicas.</summary>
    public const string CatalogBackplane = "catalog.";

    /// <summary>Diagnostic write probes of the API (<c>POST /api/redis/{role}/probe</c>), in both roles, with a short TTL.</summary>
    public const string Probes = "probe:";

    /// <summary>The API's per-order locks, with their fencing counters and holder descriptions (<c>state</c> role).</summary>
    public const string Locks = "lock:";

    /// <summary>Leader leases (<c>state</c> role): written by the workers, read by the API (fencing) and the web (status).</summary>
    public const string Leases = "leader:";

    /// <summary>The worker replicas' leader lease.</summary>
    public const string WorkerLease = Leases + "worker";

    /// <summary>The per-tenant request counters of the API's rate limiter (<c>state</c> role): <c>tenant:{id}:ratelimit</c>.</summary>
    public const string TenantRateLimits = "tenant:";

    /// <summary>The rate-limit window of one tenant: <c>tenant:{id}:ratelimit</c>.</summary>
    public static string TenantRateLimit(string tenant) => $"{TenantRateLimits}{tenant}:ratelimit";

    /// <summary>The API's sign-in attempt counters (<c>state</c> role).</summary>
    public const string SignInAttempts = "signin:";

    /// <summary>The worker replicas' heartbeats (<c>state</c> role).</summary>
    public const string WorkerHeartbeats = "heartbeat:worker:";

    /// <summary>Everything of the web front end (<c>state</c> role): sessions, stored API tokens and the Data Protection key ring.</summary>
    public const string Web = "web:";

    /// <summary>The web front end's sessions.</summary>
    public const string WebSessions = Web + "session:";

    /// <summary>The API tokens the web front end keeps for its signed-in users, encrypted.</summary>
    public const string WebApiTokens = Web + "api-token:";

    /// <summary>The web front end's shared Data Protection key ring, encrypted.</summary>
    public const string WebKeyRing = Web + "dataprotection:keys";
}
