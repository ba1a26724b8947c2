using System.Globalization;
using HaSystem.ApiService.Identity;
using HaSystem.ApiService.Telemetry;

namespace HaSystem.ApiService.RateLimiting;

public static class RateLimitingExtensions
{
    public static IHostApplicationBuilder AddTenantRateLimiting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<TenantRateLimitOptions>(TenantRateLimitOptions.SectionName);
        builder.Services.AddSingleton<TenantRateLimiter>();
        return builder;
    }

    /// <summary>
    /// Limits every authenticated request by the tenant of its token (anonymous ones, such as the token endpoint and
    /// health probes, are not counted). A rejection is a 429 problem with <c>Retry-After</c> in whole seconds.
    /// </summary>
    public static IApplicationBuilder UseTenantRateLimiting(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.User.Identity?.IsAuthenticated != true || !TenantId.TryParse(context.User.FindFirst(CurrentTenant.ClaimType)?.Value, out var tenant))
        {
            await next(context);
            return;
        }

        var decision = await context.RequestServices.GetRequiredService<TenantRateLimiter>().AcquireAsync(tenant, context.RequestAborted);
        context.Response.Headers["X-RateLimit-DecidedBy"] = decision.DecidedBy;
        if (decision.Allowed)
        {
            await next(context);
            return;
        }

        context.RequestServices.GetRequiredService<ApiTelemetry>().RateLimitRejections.Add(1, new KeyValuePair<string, object?>("tenant", tenant.Value));
        var seconds = Math.Max(1, (int)Math.Ceiling(decision.RetryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
            detail: $"Tenant '{tenant}' has used its request budget for this window; retry in {seconds} s.").ExecuteAsync(context);
    });
}
