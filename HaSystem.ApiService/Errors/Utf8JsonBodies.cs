using Microsoft.Net.Http.Headers;

namespace HaSystem.ApiService.Errors;

public static class Utf8JsonBodies
{
    /// <summary>
    /// Answers 415 to a JSON body that declares a charset other than UTF-8. ASP.NET Core's JSON reader throws an
    /// <see cref="InvalidOperationException"/> for an unknown or disabled one (<c>charset=utf-7</c>), which the
    /// endpoint's own error handling does not catch: that was a 500 for anyone who asked (the attack suite found it).
    /// </summary>
    public static IApplicationBuilder UseUtf8JsonBodies(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var type)
            && type.MediaType.Value?.Contains("json", StringComparison.OrdinalIgnoreCase) == true
            && HeaderUtilities.RemoveQuotes(type.Charset) is { HasValue: true } charset
            && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
            && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
        {
            await Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported charset",
                detail: "JSON bodies must be UTF-8.").ExecuteAsync(context);
            return;
        }

        await next(context);
    });
}
