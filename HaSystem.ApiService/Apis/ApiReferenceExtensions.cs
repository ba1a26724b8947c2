using Scalar.AspNetCore;

namespace HaSystem.ApiService.Apis;

public static class ApiReferenceExtensions
{
    /// <summary>
    /// <c>/openapi/v1.json</c> and the Scalar reference at <c>/scalar</c>, mapped only where diagnostics are open
    /// (Development): elsewhere they would hand an attacker the map of every endpoint.
    /// </summary>
    public static WebApplication MapApiReference(this WebApplication app, bool open)
    {
        if (open)
        {
            app.MapOpenApi().AllowAnonymous();
            app.MapScalarApiReference().AllowAnonymous();
        }

        return app;
    }
}
