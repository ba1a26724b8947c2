using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace HaSystem.ApiService.Identity;

/// <summary><c>POST /api/auth/service-token</c>: a service's client credentials for a token with the <c>service</c> role and no tenant.</summary>
public static class ServiceTokenApi
{
    public static IEndpointRouteBuilder MapServiceTokenApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/auth/service-token", IssueServiceToken).WithName("IssueServiceToken").AllowAnonymous().WithTags("Auth");
        return app;
    }

    /// <remarks>
    /// Not throttled like the users' sign-in: a client secret has 40 random characters (nothing to guess) and its check
    /// is one SHA-256 (no CPU to burn), while a shared count would let anyone who can reach the sign-in form lock the
    /// worker out of its token.
    /// </remarks>
    public static Results<Ok<IssuedToken>, ProblemHttpResult> IssueServiceToken(
        ServiceTokenRequest request, IOptions<ServiceClientOptions> clients, TokenIssuer issuer)
    {
        var known = clients.Value.Clients.TryGetValue(request.ClientId, out var secret);
        // Compare in constant time, and against something even for an unknown client, so timing reveals nothing.
        var matches = CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(secret ?? "")), SHA256.HashData(Encoding.UTF8.GetBytes(request.ClientSecret)));
        if (!known || !matches)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Invalid client credentials",
                detail: "The client id or the client secret is wrong.");
        }

        return TypedResults.Ok(issuer.IssueService(request.ClientId));
    }
}
