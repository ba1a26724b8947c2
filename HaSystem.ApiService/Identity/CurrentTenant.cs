using System.Security.Claims;

namespace HaSystem.ApiService.Identity;

/// <summary>The tenant of the authenticated caller, taken only from the validated token (never from a header).</summary>
public static class CurrentTenant
{
    public const string ClaimType = "tenant_id";

    public static TenantId Of(ClaimsPrincipal user) =>
        TenantId.TryParse(user.FindFirstValue(ClaimType), out var tenant)
            ? tenant
            : throw new InvalidOperationException("An authenticated request without a valid tenant claim reached an endpoint.");
}
