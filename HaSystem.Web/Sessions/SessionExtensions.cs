using HaSystem.Coordination.Redis;
using HaSystem.Coordination.Resilience;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;
using Polly.Registry;
using StackExchange.Redis;

namespace HaSystem.Web.Sessions;

public static class SessionExtensions
{
    /// <summary>
    /// <see cref="ISession"/> kept in the <c>state</c> role (never evicted, persisted), on the multiplexer Aspire
    /// registered for it, through the <see cref="RedisCaller.Sessions"/> pipeline: a cart read or write that meets a
    /// failover waits for the new primary instead of failing, and any web replica serves any user. The cookie is HttpOnly,
    /// essential (the cart needs no consent), and Secure whenever the request came over HTTPS.
    /// </summary>
    public static IHostApplicationBuilder AddRedisSessions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<WebSessionOptions>(WebSessionOptions.SectionName);
        builder.Services.AddSingleton<IDistributedCache>(sp =>
        {
            var settings = sp.GetRequiredService<IOptions<WebSessionOptions>>().Value;
            var redis = new RedisCache(Options.Create(new RedisCacheOptions
            {
                InstanceName = settings.KeyPrefix,
                ConnectionMultiplexerFactory = () => Task.FromResult(sp.GetRequiredKeyedService<IConnectionMultiplexer>(RedisRoles.State)),
            }));
            return new ResilientDistributedCache(redis, sp.GetRequiredService<ResiliencePipelineProvider<string>>().For(RedisRoles.State, RedisCaller.Sessions));
        });

        builder.Services.AddSession();
        builder.Services.AddOptions<SessionOptions>().Configure<IOptions<WebSessionOptions>, IOptions<RedisResilienceOptions>>((session, web, redis) =>
        {
            session.IdleTimeout = web.Value.IdleTimeout;
            // The session's own timeout only backs up the pipeline's deadline, which ends a wait with a Redis failure.
            session.IOTimeout = redis.Value.RequestDeadline + redis.Value.Timeout;
            session.Cookie.Name = web.Value.CookieName;
            session.Cookie.HttpOnly = true;
            session.Cookie.IsEssential = true;
            session.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            session.Cookie.SameSite = SameSiteMode.Lax;
        });
        return builder;
    }

    /// <summary>
    /// The session for the shop's pages and form posts only. The session middleware encrypts a new session id for every
    /// request that comes without one, which needs the key ring: health probes, <c>/replica</c> and static files must
    /// not depend on it (a replica that cannot load its ring must still report itself alive and Degraded).
    /// </summary>
    public static WebApplication UseRedisSessions(this WebApplication app)
    {
        app.UseWhen(context => !IsInfrastructure(context.Request.Path), shop => shop.UseSession());
        return app;
    }

    private static bool IsInfrastructure(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/alive") || path.StartsWithSegments("/replica")
        || path.StartsWithSegments("/_framework") || Path.HasExtension(path.Value);
}
