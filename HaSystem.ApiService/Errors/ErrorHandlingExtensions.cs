using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace HaSystem.ApiService.Errors;

public static class ErrorHandlingExtensions
{
    /// <summary>Largest request body the API reads; larger ones get 413.</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;

    /// <summary>
    /// Every error is an RFC 7807 problem: validation (400), bad JSON (400), oversized bodies (413), unknown routes
    /// (404), and each feature's exceptions as the feature registers them (<see cref="ExceptionProblemExtensions"/>).
    /// No stack trace reaches a client in any environment.
    /// </summary>
    public static IHostApplicationBuilder AddApiErrorHandling(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            // The developer exception details would otherwise be added in Development.
            context.ProblemDetails.Extensions.Remove("exception");
        });
        builder.Services.AddSingleton<ExceptionProblems>();
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.AddValidation();
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = false);
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(options => options.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        return builder;
    }
}
