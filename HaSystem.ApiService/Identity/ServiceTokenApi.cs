using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using HaSystem.ApiService.Telemetry;
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

    public static async Task<Results<Ok<IssuedToken>, ProblemHttpResult>> IssueServiceToken(
        ServiceTokenRequest request, IOptions<ServiceClientOptions> clients, TokenIssuer issuer, SignInThrottle throttle,
        ApiTelemetry telemetry, HttpContext context, CancellationToken cancellationToken)
    {
        // The same limits as the users' sign-in, under the client id: the operator's secret opens every tenant.
        var attempt = await throttle.AttemptAsync($"client:{request.ClientId}", context.Connection.RemoteIpAddress, cancellationToken);
        if (!attempt.Allowed)
        {
            return AuthApi.TooManyAttempts(attempt, telemetry, context);
        }

        var known = clients.Value.Clients.TryGetValue(request.ClientId, out var secret);
        // Compare in constant time, and against something even for an unknown client, so timing reveals nothing.
        var matches = CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(secret ?? "")), SHA256.HashData(Encoding.UTF8.GetBytes(request.ClientSecret)));
        if (!known || !matches)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Invalid client credentials",
                detail: "The client id or the client secret is wrong.");
        }

        await throttle.SucceededAsync(attempt, cancellationToken);
        return TypedResults.Ok(issuer.IssueService(request.ClientId));
    }
}

public sealed record ServiceTokenRequest(
    [property: Required, StringLength(100, MinimumLength = 1)] string ClientId,
    [property: Required, StringLength(500, MinimumLength = 1)] string ClientSecret);
