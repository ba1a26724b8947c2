namespace HaSystem.Web.Identity;

/// <summary>What the authentication cookie carries: who, which tenant and role, and where the API token is kept.</summary>
public static class WebClaims
{
    public const string Tenant = "tenant";

    /// <summary>The id under which <see cref="ApiTokenStore"/> keeps the user's API token; the token never reaches the browser.</summary>
    public const string TokenSession = "token_session";

    public const string AdminRole = "admin";
}
