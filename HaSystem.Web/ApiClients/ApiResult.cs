namespace HaSystem.Web.ApiClients;

/// <summary>A value, or an error fit to show a user; API calls never throw at a page.</summary>
public sealed record ApiResult<T>(T? Value, ApiError? Error)
{
    public bool Succeeded => Error is null;

    public static ApiResult<T> Ok(T value) => new(value, null);

    public static ApiResult<T> Failed(ApiError error) => new(default, error);
}
