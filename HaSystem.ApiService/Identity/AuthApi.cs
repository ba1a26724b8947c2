using System.ComponentModel.DataAnnotations;
using HaSystem.ApiService.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
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
        TokenRequest request, CatalogDbContext db, TokenIssuer issuer, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.UserName == request.UserName, cancellationToken);
        var verified = user is not null
            && new PasswordHasher<CatalogUser>().VerifyHashedPassword(user, user.PasswordHash, request.Password) != PasswordVerificationResult.Failed;
        if (!verified)
        {
            // Same answer for an unknown user and a wrong password: the response must not reveal which users exist.
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Invalid credentials",
                detail: "The user name or the password is wrong.");
        }

        return TypedResults.Ok(issuer.Issue(user!));
    }
}

public sealed record TokenRequest(
    [property: Required, StringLength(100, MinimumLength = 1)] string UserName,
    [property: Required, StringLength(200, MinimumLength = 1)] string Password);
