using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;

namespace HaSystem.ApiService.Identity;

/// <summary>The authenticated user's name, taken from the validated token's subject.</summary>
public static class CurrentUser
{
    public static string Of(ClaimsPrincipal user) =>
        user.FindFirstValue(JwtRegisteredClaimNames.Sub)
        ?? throw new InvalidOperationException("An authenticated request without a subject reached an endpoint.");
}
