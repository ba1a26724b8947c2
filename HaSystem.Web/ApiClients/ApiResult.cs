namespace HaSystem.Web.ApiClients;

/// <summary>A value, or an error fit to show a user; API calls never throw at a page.</summary>
/// <param name="Value">The API's answer when the call succeeded.</param>
/// <param name="Error">What went wrong, in words for the user.</param>
public sealed record ApiResult<T>(T? Value, ApiError? Error)
{
    /// <summary>Whether the API answered with a value.</summary>
    public bool Succeeded => Error is null;
}

/// <summary>Creates <see cref="ApiResult{T}"/> values.</summary>
public static class ApiResult
{
    /// <summary>The API answered <paramref name="value"/>.</summary>
    public static ApiResult<T> Ok<T>(T value) => new(value, null);

    /// <summary>The call failed with <paramref name="error"/>.</summary>
    public static ApiResult<T> Failed<T>(ApiError error) => new(default, error);
}
