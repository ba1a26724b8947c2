using HaSystem.AppHost.Redis;
using HaSystem.Coordination.Redis;
using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);

// Redis: one set of Sentinels monitoring two groups with opposite memory policies (see docs/ARCHITECTURE.md).
var sentinels = builder.AddRedisSentinels("sentinel", builder.AddGeneratedSecret("redis-admin-password", minLength: 32));
var memory = builder.Configuration.GetSection(RedisMemoryOptions.SectionName).Get<RedisMemoryOptions>() ?? new();
var cache = sentinels.AddMonitoredGroup(RedisRoles.Cache, replicas: 1).WithEvictingCache(memory.CacheMaxMemory);
var state = sentinels.AddMonitoredGroup(RedisRoles.State, replicas: 2).WithDurablePersistence(memory.StateMaxMemory).WithWritesConfirmedByReplicas(1, maxLag: TimeSpan.FromSeconds(3));

// Each service reaches Redis as a user of its own, limited to its own keys (README, "Security model").
var apiRedisUser = sentinels.AddUser("apiservice", builder.AddGeneratedSecret("redis-apiservice-password", minLength: 32))
    .WithKeys(cache, RedisKeyspace.Catalog, RedisKeyspace.Probes).WithChannels(cache, RedisKeyspace.CatalogBackplane)
    .WithKeys(state, RedisKeyspace.Locks, RedisKeyspace.TenantRateLimits, RedisKeyspace.SignInAttempts, RedisKeyspace.Probes)
    .WithReadOnlyKeys(state, RedisKeyspace.Leases);
var workerRedisUser = sentinels.AddUser("worker", builder.AddGeneratedSecret("redis-worker-password", minLength: 32))
    .WithKeys(state, RedisKeyspace.Leases, RedisKeyspace.WorkerHeartbeats);
var webRedisUser = sentinels.AddUser("webfrontend", builder.AddGeneratedSecret("redis-webfrontend-password", minLength: 32))
    .WithKeys(state, RedisKeyspace.Web)
    .WithReadOnlyKeys(state, RedisKeyspace.Leases);

// The API owns the catalog database (SQLite, or PostgreSQL with --Database:Provider=postgres) and issues the tokens
// every other call needs.
var catalog = builder.AddCatalogDatabase();
var jwtSigningKey = builder.AddGeneratedSecret("jwt-signing-key", minLength: 64);
var workerSecret = builder.AddGeneratedSecret("worker-client-secret", minLength: 40);
var operatorSecret = builder.AddGeneratedSecret("operator-client-secret", minLength: 40);

var api = builder.AddProject<Projects.HaSystem_ApiService>("apiservice")
    .WithReplicas(3)
    .WithHttpEndpoint()
    .WithRedisRoles(apiRedisUser, cache, state)
    .WithCatalogDatabase(catalog)
    .WithEnvironment("Jwt__SigningKey", jwtSigningKey)
    .WithDemoUserPasswords()
    .WithEnvironment("ServiceClients__Clients__worker", workerSecret)
    .WithEnvironment("ServiceClients__Clients__operator", operatorSecret)
    .WithEnvironment("Chaos__Enabled", builder.Configuration["Chaos:Enabled"] ?? "false")
    .WithDiagnosticsExposure()
    .WithConfiguredEnvironment("ApiService:Environment")
    .WithHttpHealthCheck("/health/ready");

// The worker replicas elect a leader on a lease in `state`; the leader writes reports to the API as the `worker` service.
builder.AddProject<Projects.HaSystem_Worker>("worker")
    .WithReplicas(2)
    .WithHttpEndpoint()
    .WithRedisRoles(workerRedisUser, cache, state)
    .WithReference(api)
    .WithEnvironment("Api__ClientSecret", workerSecret)
    .WithLeaderLease(state, RedisKeyspace.WorkerLease)
    .WithDiagnosticsExposure()
    .WithConfiguredEnvironment("Worker:Environment")
    .WithHttpHealthCheck("/health/ready");

// The web replicas share one Data Protection key ring in `state`, encrypted at rest with this secret. They do not wait
// for the API: a web replica needs only Redis to start, and one started while the API is down must come up and say so
// on its pages rather than wait (it also starts beside the API instead of after it).
var keyRingSecret = builder.AddGeneratedSecret("web-keyring-secret", minLength: 48);

builder.AddProject<Projects.HaSystem_Web>("webfrontend")
    .WithReplicas(2)
    .WithHttpEndpoint()
    .WithHttps()
    .WithExternalHttpEndpoints()
    .WithRedisRoles(webRedisUser, cache, state)
    .WithReference(api)
    .WithEnvironment("Web__DataProtection__KeyRingSecret", keyRingSecret)
    .WithDiagnosticsExposure()
    // Probed over HTTP: Aspire would pick the HTTPS endpoint, whose development certificate its probe does not trust.
    .WithHttpHealthCheck("/health/ready", endpointName: "http");

builder.Build().Run();
