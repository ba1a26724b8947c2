using HaSystem.Web.Cart;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace HaSystem.Web.Identity;

public static class WebAuthenticationExtensions
{
    public const string SignInPath = "/sign-in";

    /// <summary>
    /// Cookie sign-in backed by the API's tokens. The cookie is protected by the shared key ring, so any replica reads
    /// it; HttpOnly, Secure whenever the request came over HTTPS, and it expires with the API token.
    /// </summary>
    public static IHostApplicationBuilder AddWebAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<WebAuthenticationOptions>(WebAuthenticationOptions.SectionName);
        builder.Services.AddSingleton<ApiTokenStore>();
        builder.Services.AddScoped<WebSignIn>();
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
        builder.Services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<WebAuthenticationOptions>>((cookie, web) =>
            {
                cookie.Cookie.Name = web.Value.CookieName;
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.LoginPath = SignInPath;
                cookie.AccessDeniedPath = "/forbidden";
                cookie.SlidingExpiration = false;
            });
        builder.Services.AddAuthorization();
        builder.Services.AddCascadingAuthenticationState();
        return builder;
    }

    /// <summary><c>POST /sign-out</c> (antiforgery-checked form): forgets the token and the cart, then goes home.</summary>
    public static IEndpointRouteBuilder MapSignOut(this IEndpointRouteBuilder app)
    {
        app.MapPost("/sign-out", async (HttpContext context, WebSignIn signIn, CartStore cart, CancellationToken cancellationToken) =>
        {
            await signIn.SignOutAsync(context, cancellationToken);
            await cart.ForgetAsync(cancellationToken);
            return Results.LocalRedirect("/");
        }).WithMetadata(new RequireAntiforgeryTokenAttribute());
        return app;
    }
}
