
namespace HaSystem.Web.Hosting;

public static class HttpsExtensions
{
    /// <summary>
    /// HTTPS for the shop: cookies (sign-in, session, antiforgery) are <c>Secure</c> whenever the request came over HTTPS,
    /// and, outside Development (<see cref="HttpsOptions.RedirectHttp"/>), HTTP is redirected to HTTPS and HSTS is sent.
    /// </summary>
    public static IHostApplicationBuilder AddHttpsPolicy(this IHostApplicationBuilder builder)
    {
        builder.Services.AddAntiforgery(options => options.Cookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest);
        builder.Services.AddHsts(options => options.MaxAge = TimeSpan.FromDays(365));
        var redirect = builder.Configuration.GetSection(HttpsOptions.SectionName).Get<HttpsOptions>()?.RedirectHttp ?? !builder.Environment.IsDevelopment();
        builder.Services.AddSingleton(new HttpsPolicy(redirect));
        return builder;
    }

    /// <summary>Redirects HTTP to HTTPS and sends HSTS where <see cref="HttpsPolicy.RedirectHttp"/>; probes stay on HTTP.</summary>
    public static WebApplication UseHttpsPolicy(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<HttpsPolicy>().RedirectHttp)
        {
            return app;
        }

        app.UseWhen(context => !IsProbe(context.Request.Path), branch =>
        {
            branch.UseHsts();
            branch.UseHttpsRedirection();
        });
        return app;
    }

    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/alive") || path.StartsWithSegments("/replica");
}

/// <summary>Whether this replica redirects HTTP to HTTPS and sends HSTS.</summary>
public sealed record HttpsPolicy(bool RedirectHttp);
