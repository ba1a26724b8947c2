using System.Net;

namespace HaSystem.Web.ApiClients;

public enum ApiErrorKind
{
    /// <summary>Not signed in, or the API token expired: the user signs in again.</summary>
    SignInRequired,

    /// <summary>The user's session (where the API token is kept) cannot be reached right now.</summary>
    SessionUnavailable,
    Forbidden,
    NotFound,
    Conflict,
    Invalid,
    TooManyRequests,
    Unavailable,
}

/// <summary>What went wrong, in words for the user, with the problem type the API gave (if any).</summary>
public sealed record ApiError(ApiErrorKind Kind, string Message, string? ProblemType = null)
{
    public static readonly ApiError SignInRequired = new(ApiErrorKind.SignInRequired, "Your session has ended. Please sign in again.");

    public static readonly ApiError SessionUnavailable = new(ApiErrorKind.SessionUnavailable,
        "Your session cannot be reached right now. Please try again in a moment; nothing you did is lost.");

    public static readonly ApiError Unreachable = new(ApiErrorKind.Unavailable, "The service cannot be reached right now. Please try again in a moment.");

    /// <summary>
    /// The message for an API error response. Validation and conflict details are written for people and are shown;
    /// server-side failures get a general message (their details are for the logs, not the page).
    /// </summary>
    public static ApiError FromResponse(HttpStatusCode status, ProblemBody? problem) => status switch
    {
        HttpStatusCode.Unauthorized => SignInRequired,
        HttpStatusCode.Forbidden => new(ApiErrorKind.Forbidden, "You are not allowed to do that.", problem?.Type),
        HttpStatusCode.NotFound => new(ApiErrorKind.NotFound, problem?.Detail ?? "That does not exist (any more).", problem?.Type),
        HttpStatusCode.Conflict => new(ApiErrorKind.Conflict, problem?.Detail ?? "That conflicts with a change made meanwhile. Please try again.", problem?.Type),
        HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity =>
            new(ApiErrorKind.Invalid, problem?.ValidationSummary() ?? problem?.Detail ?? "That request is not valid.", problem?.Type),
        HttpStatusCode.TooManyRequests => new(ApiErrorKind.TooManyRequests, problem?.Detail ?? "Too many requests right now. Please wait a moment.", problem?.Type),
        _ => new(ApiErrorKind.Unavailable, "The service is temporarily unavailable. Please try again in a moment.", problem?.Type),
    };
}

/// <summary>The RFC 7807 fields the front end reads.</summary>
public sealed record ProblemBody(string? Type, string? Title, string? Detail, Dictionary<string, string[]>? Errors)
{
    public string? ValidationSummary() =>
        Errors is { Count: > 0 } ? string.Join(" ", Errors.SelectMany(e => e.Value)) : null;
}
