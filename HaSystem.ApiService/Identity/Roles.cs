namespace HaSystem.ApiService.Identity;

/// <summary>
/// The roles a token can carry. Writes to the catalog need <see cref="Admin"/>; the worker calls as <see cref="Service"/>;
/// what reaches every tenant at once (chaos, the diagnostics outside Development) needs <see cref="Operator"/>.
/// </summary>
public static class Roles
{
    public const string User = "user";
    public const string Admin = "admin";

    /// <summary>A service acting for itself, with no tenant (the worker's reports and cache warm-up).</summary>
    public const string Service = "service";

    /// <summary>
    /// The people who run the system, not a tenant's: a fault injected on a replica, or its Redis view, concerns every
    /// tenant, so no tenant admin may have it. Given only to the <c>operator</c> service client.
    /// </summary>
    public const string Operator = "operator";
}
