using System.Security.Claims;
using HaSystem.Web.ApiClients;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace HaSystem.Web.Identity;

/// <summary>
/// Signs a demo user in with the API's token endpoint: the token stays on the server (<see cref="ApiTokenStore"/>),
/// the browser gets an encrypted cookie with the user's name, tenant, role and the token's id, expiring with the token.
/// </summary>
public sealed class WebSignIn(HaSystemApiClient api, ApiTokenStore tokens, TimeProvider time)
{
    public static readonly ApiError InvalidCredentials = new(ApiErrorKind.Invalid, "The user name or the password is wrong.");

    /// <summary>Signs in, or returns why not.</summary>
    public async Task<ApiError?> SignInAsync(HttpContext context, string userName, string password, CancellationToken cancellationToken)
    {
        var issued = await api.IssueTokenAsync(userName, password, cancellationToken);
        if (issued.Value is not { } token)
        {
            return issued.Error!.Kind == ApiErrorKind.SignInRequired ? InvalidCredentials : issued.Error;
        }

        var expiresAt = time.GetUtcNow().AddSeconds(token.ExpiresIn);
        var claims = TokenClaims.Read(token.AccessToken);
        var id = await tokens.SaveAsync(token.AccessToken, expiresAt, cancellationToken);
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, userName),
                new Claim(WebClaims.Tenant, claims.Tenant ?? ""),
                new Claim(ClaimTypes.Role, claims.Role ?? ""),
                new Claim(WebClaims.TokenSession, id),
            ],
            CookieAuthenticationDefaults.AuthenticationScheme);
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity),
            new AuthenticationProperties { ExpiresUtc = expiresAt, AllowRefresh = false });
        return null;
    }

    public async Task SignOutAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (context.User.FindFirstValue(WebClaims.TokenSession) is { } id)
        {
            await tokens.RemoveAsync(id, cancellationToken);
        }

        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }
}
