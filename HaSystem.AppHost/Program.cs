var builder = DistributedApplication.CreateBuilder(args);

// Redis: one set of Sentinels monitoring two groups with opposite memory policies (see docs/ARCHITECTURE.md).
var redisPassword = builder.AddParameter("redis-password", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);

var sentinels = builder.AddRedisSentinels("sentinel", redisPassword);
var cache = sentinels.AddMonitoredGroup("cache", replicas: 1).WithEvictingCache(sentinels.Resource.Options.CacheMaxMemory);
var state = sentinels.AddMonitoredGroup("state", replicas: 2).WithDurablePersistence(sentinels.Resource.Options.StateMaxMemory).WithWritesConfirmedByReplicas(1, maxLag: TimeSpan.FromSeconds(3));

// The API owns the catalog database and issues the tokens every other call needs.
var catalog = builder.AddSqliteDatabase("catalog");
var jwtSigningKey = builder.AddParameter("jwt-signing-key", new GenerateParameterDefault { MinLength = 64, Special = false }, secret: true);
var workerSecret = builder.AddParameter("worker-client-secret", new GenerateParameterDefault { MinLength = 40, Special = false }, secret: true);
var operatorSecret = builder.AddParameter("operator-client-secret", new GenerateParameterDefault { MinLength = 40, Special = false }, secret: true);

var api = builder.AddProject<Projects.HaSystem_ApiService>("apiservice")
    .WithReplicas(3)
    .WithHttpEndpoint()
    .WithRedisRoles(cache, state)
    .WithReference(catalog)
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
    .WithRedisRoles(cache, state)
    .WithReference(api)
    .WithEnvironment("Api__ClientSecret", workerSecret)
    .WithLeaderLease(state, "leader:worker")
    .WithDiagnosticsExposure()
    .WithConfiguredEnvironment("Worker:Environment")
    .WithHttpHealthCheck("/health/ready");

// The web replicas share one Data Protection key ring in `state`, encrypted at rest with this secret.
var keyRingSecret = builder.AddParameter("web-keyring-secret", new GenerateParameterDefault { MinLength = 48, Special = false }, secret: true);

builder.AddProject<Projects.HaSystem_Web>("webfrontend")
    .WithReplicas(2)
    .WithHttpEndpoint()
    .WithHttps()
    .WithExternalHttpEndpoints()
    .WithRedisRoles(cache, state)
    .WithReference(api)
    .WaitFor(api)
    .WithEnvironment("Web__DataProtection__KeyRingSecret", keyRingSecret)
    .WithDiagnosticsExposure()
    // Probed over HTTP: Aspire would pick the HTTPS endpoint, whose development certificate its probe does not trust.
    .WithHttpHealthCheck("/health/ready", endpointName: "http");

builder.Build().Run();
