namespace HaSystem.ApiService;

/// <summary>The roles a token can carry. Writes to the catalog need <see cref="Admin"/>; the worker calls as <see cref="Service"/>.</summary>
public static class Roles
{
    public const string User = "user";
    public const string Admin = "admin";

    /// <summary>A service acting for itself, with no tenant (the worker's reports and cache warm-up).</summary>
    public const string Service = "service";
}
