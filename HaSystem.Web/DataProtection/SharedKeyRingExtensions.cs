using HaSystem.Coordination.Locking;
using HaSystem.Coordination.Redis;
using HaSystem.Coordination.Resilience;
using HaSystem.ServiceDefaults.Replicas;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using Polly.Registry;
using StackExchange.Redis;

namespace HaSystem.Web.DataProtection;

public static partial class SharedKeyRingExtensions
{
    /// <summary>
    /// One Data Protection key ring for every web replica, kept in the <c>state</c> role under a fixed application
    /// name: the authentication, session and antiforgery cookies one replica writes, every other one can read. The
    /// keys are encrypted at rest with the key-ring secret (<see cref="KeyRingCipher"/>), in Redis and in the mirror.
    /// </summary>
    public static IHostApplicationBuilder AddSharedKeyRing(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<SharedKeyRingOptions>(SharedKeyRingOptions.SectionName);
        var settings = builder.Configuration.GetSection(SharedKeyRingOptions.SectionName).Get<SharedKeyRingOptions>() ?? new SharedKeyRingOptions();
        builder.Services.AddDataProtection().SetApplicationName(settings.ApplicationName);
        builder.Services.AddSingleton(sp => new KeyRingCipher(sp.GetRequiredService<IOptions<SharedKeyRingOptions>>().Value.KeyRingSecret));
        builder.Services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider>((keys, sp) =>
        {
            var ring = sp.GetRequiredService<IOptions<SharedKeyRingOptions>>().Value;
            var directory = ring.MirrorDirectory ?? DefaultMirrorDirectory();
            var mirror = Path.Combine(directory, $"{ring.ApplicationName}-{Deployment(sp.GetRequiredService<IConfiguration>())}.xml");
            MirrorFiles.PruneOlderThan(directory, $"{ring.ApplicationName}-*.xml", sp.GetRequiredService<TimeProvider>().GetUtcNow() - ring.MirrorRetention, keep: mirror,
                sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(MirrorFiles)));
            keys.XmlEncryptor = new SecretXmlEncryptor(sp.GetRequiredService<KeyRingCipher>());
            keys.XmlRepository = new MirroredRedisXmlRepository(
                sp.GetRequiredKeyedService<IConnectionMultiplexer>(RedisRoles.State),
                ring.RedisKey,
                sp.GetRequiredService<ResiliencePipelineProvider<string>>().For(RedisRoles.State, RedisCaller.WebState),
                mirror,
                sp.GetRequiredService<ILoggerFactory>().CreateLogger<MirroredRedisXmlRepository>());
        });
        return builder;
    }

    // Per user, like Data Protection's own default folder: never a shared temp folder another user could prepare.
    private static string DefaultMirrorDirectory()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        return Path.Combine(home.Length > 0 ? home : Path.Combine(Path.GetTempPath(), $"hasystem-{Environment.UserName}"), "HaSystem", "DataProtection");
    }

    // Which Redis deployment the ring belongs to (its Sentinel endpoints, never the password): two systems on one
    // machine, a developer's and a test run's, must not read each other's mirror.
    private static string Deployment(IConfiguration configuration)
    {
        var endpoints = (configuration.GetConnectionString(RedisRoles.State) ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(part => !part.Contains('=', StringComparison.Ordinal));
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join(',', endpoints))))[..12];
    }

    /// <summary>
    /// Loads the key ring before the replica serves, under a lock: replicas that start together against an empty ring
    /// would otherwise each create a key of their own, and each would reject the other's cookies until its next
    /// key-ring refresh. With the lock, the first creates the key and the others load it.
    /// </summary>
    public static async Task InitializeSharedKeyRingAsync(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<IOptions<SharedKeyRingOptions>>().Value;
        var locks = app.Services.GetRequiredService<RedisDistributedLock>();
        var replica = app.Services.GetRequiredService<ReplicaIdentity>();
        try
        {
            await using var lease = await locks.AcquireAsync(
                new LockRequest($"{settings.RedisKey}:lock", TimeSpan.FromSeconds(30)) { Holder = replica.Id }, settings.StartupLockWait);
            app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("HaSystem.Web.KeyRingWarmUp").Protect("ready"u8.ToArray());
        }
        catch (Exception ex) when (ex is LockUnavailableException or LockTimeoutException or System.Security.Cryptography.CryptographicException
            || RedisResilience.IsRedisFailure(ex))
        {
            // Redis is unreachable or another replica holds the lock for too long: start anyway. The ring loads on
            // first use, and a key created meanwhile is found at the next refresh.
            LogNotInitialised(app.Logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The shared Data Protection key ring could not be initialised under its lock; it loads on first use.")]
    private static partial void LogNotInitialised(ILogger logger, Exception exception);
}
