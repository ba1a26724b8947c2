using HaSystem.ApiService.Infrastructure;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace HaSystem.ApiService.Identity;

public static class IdentityExtensions
{
    public const string AdminPolicy = "admin";

    /// <summary>A service token (the worker): reports, cache warm-up.</summary>
    public const string ServicePolicy = "service";

    /// <summary>Any valid token, tenant user or service: operational views such as the current leader.</summary>
    public const string AnyCallerPolicy = "any-caller";

    /// <summary>The operator (never a tenant's admin): chaos, and the diagnostics outside Development.</summary>
    public const string OperatorPolicy = "operator";

    /// <summary>
    /// JWT bearer authentication on every endpoint. The fallback policy wants a tenant user; <c>admin</c> guards
    /// catalog writes, <c>service</c> the worker's endpoints. A token whose <c>tenant_id</c> is not a valid tenant id,
    /// or a token without a tenant that is neither a service's nor the operator's, is rejected like a forged one.
    /// </summary>
    public static IHostApplicationBuilder AddTokenAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<JwtOptions>(JwtOptions.SectionName);
        builder.Services.AddSingleton<TokenIssuer>();
        builder.Services.AddSingleton<IPasswordHasher<CatalogUser>, PasswordHasher<CatalogUser>>();
        builder.Services.AddSingleton<CredentialCheck>();
        builder.Services.AddValidatedOptions<SignInThrottleOptions>(SignInThrottleOptions.SectionName);
        builder.Services.AddSingleton<SignInThrottle>();
        builder.Services.AddValidatedOptions<ServiceClientOptions>(ServiceClientOptions.SectionName);

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<JwtOptions>>((bearer, jwt) =>
            {
                bearer.MapInboundClaims = false;
                bearer.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = jwt.Value.Issuer,
                    ValidAudience = jwt.Value.Audience,
                    IssuerSigningKey = TokenIssuer.KeyFrom(jwt.Value),
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    RoleClaimType = System.Security.Claims.ClaimTypes.Role,
                    ClockSkew = TimeSpan.FromSeconds(5),
                };
                bearer.Events = new JwtBearerEvents
                {
                    OnTokenValidated = context =>
                    {
                        var tenant = context.Principal?.FindFirst(CurrentTenant.ClaimType)?.Value;
                        var valid = tenant is null
                            ? context.Principal?.IsInRole(Roles.Service) == true || context.Principal?.IsInRole(Roles.Operator) == true
                            : TenantId.TryParse(tenant, out _);
                        if (!valid)
                        {
                            context.Fail("The token carries no valid tenant.");
                        }

                        return Task.CompletedTask;
                    },
                };
            });

        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireClaim(CurrentTenant.ClaimType).Build())
            .AddPolicy(AdminPolicy, policy => policy.RequireClaim(CurrentTenant.ClaimType).RequireRole(Roles.Admin))
            .AddPolicy(ServicePolicy, policy => policy.RequireRole(Roles.Service))
            .AddPolicy(AnyCallerPolicy, policy => policy.RequireAuthenticatedUser())
            .AddPolicy(OperatorPolicy, policy => policy.RequireRole(Roles.Operator));
        return builder;
    }
}
