using System.ComponentModel.DataAnnotations;

namespace HaSystem.Contracts.Identity;

/// <summary>A user's sign-in (<c>POST /api/auth/token</c>).</summary>
/// <param name="UserName">1–100 characters.</param>
/// <param name="Password">1–200 characters.</param>
public sealed record TokenRequest(
    [property: Required, StringLength(100, MinimumLength = 1)] string UserName,
    [property: Required, StringLength(200, MinimumLength = 1)] string Password);

/// <summary>A service's sign-in with its client credentials (<c>POST /api/auth/service-token</c>).</summary>
/// <param name="ClientId">1–100 characters.</param>
/// <param name="ClientSecret">1–500 characters.</param>
public sealed record ServiceTokenRequest(
    [property: Required, StringLength(100, MinimumLength = 1)] string ClientId,
    [property: Required, StringLength(500, MinimumLength = 1)] string ClientSecret);

/// <summary>An access token.</summary>
/// <param name="AccessToken">The JWT, sent back as the bearer.</param>
/// <param name="TokenType">Always <c>Bearer</c>.</param>
/// <param name="ExpiresIn">Seconds until it expires.</param>
public sealed record IssuedToken(string AccessToken, string TokenType, int ExpiresIn);
