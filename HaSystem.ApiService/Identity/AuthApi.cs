using System.ComponentModel.DataAnnotations;
using System.Globalization;
using HaSystem.ApiService.Infrastructure;
using HaSystem.ApiService.Telemetry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace HaSystem.ApiService.Identity;

/// <summary><c>POST /api/auth/token</c>: a demo user's credentials for a bearer token.</summary>
public static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/auth/token", IssueToken).WithName("IssueToken").AllowAnonymous().WithTags("Auth");
        return app;
    }

    public static async Task<Results<Ok<IssuedToken>, ProblemHttpResult>> IssueToken(
        TokenRequest request, CatalogDbContext db, TokenIssuer issuer, SignInThrottle throttle, CredentialCheck credentials,
        ApiTelemetry telemetry, HttpContext context, CancellationToken cancellationToken)
    {
        // Counted before the hash: a burst of guesses cannot cost more PBKDF2 hashes than the limits allow.
        var attempt = await throttle.AttemptAsync(request.UserName, context.Connection.RemoteIpAddress, cancellationToken);
        if (!attempt.Allowed)
        {
            return TooManyAttempts(attempt, telemetry, context);
        }

        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.UserName == request.UserName, cancellationToken);
        if (!await credentials.VerifyAsync(user, request.Password, cancellationToken))
        {
            // Same answer, and the same work, for an unknown user and a wrong password: nothing reveals which users exist.
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Invalid credentials",
                detail: "The user name or the password is wrong.");
        }

        await throttle.SucceededAsync(attempt, cancellationToken);
        return TypedResults.Ok(issuer.Issue(user!));
    }

    /// <summary>429 with <c>Retry-After</c> in whole seconds; the same for the user name and the address limits.</summary>
    public static ProblemHttpResult TooManyAttempts(SignInAttempt attempt, ApiTelemetry telemetry, HttpContext context)
    {
        telemetry.SignInsThrottled.Add(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(attempt.RetryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many sign-in attempts",
            detail: $"Too many failed sign-in attempts for this user name or from this address; retry in {seconds} s.");
    }
}
