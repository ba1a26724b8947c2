var builder = DistributedApplication.CreateBuilder(args);

// Redis: one set of Sentinels monitoring two groups with opposite memory policies (see docs/ARCHITECTURE.md).
var redisPassword = builder.AddParameter("redis-password", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);

var sentinels = builder.AddRedisSentinels("sentinel", redisPassword);
var cache = sentinels.AddMonitoredGroup("cache", replicas: 1).WithEvictingCache(sentinels.Resource.Options.CacheMaxMemory);
var state = sentinels.AddMonitoredGroup("state", replicas: 2).WithDurablePersistence().WithWritesConfirmedByReplicas(1, maxLag: TimeSpan.FromSeconds(3));

// The API owns the catalog database and issues the tokens every other call needs.
var catalog = builder.AddSqliteDatabase("catalog");
var jwtSigningKey = builder.AddParameter("jwt-signing-key", new GenerateParameterDefault { MinLength = 64, Special = false }, secret: true);
var demoPassword = builder.AddParameter("demo-password", new GenerateParameterDefault { MinLength = 16, Special = false }, secret: true);
var workerSecret = builder.AddParameter("worker-client-secret", new GenerateParameterDefault { MinLength = 40, Special = false }, secret: true);

var api = builder.AddProject<Projects.HaSystem_ApiService>("apiservice")
    .WithReplicas(3)
    .WithHttpEndpoint()
    .WithRedisRoles(cache, state)
    .WithReference(catalog)
    .WithEnvironment("Jwt__SigningKey", jwtSigningKey)
    .WithEnvironment("Demo__Password", demoPassword)
    .WithEnvironment("ServiceClients__Clients__worker", workerSecret)
    .WithEnvironment("Chaos__Enabled", builder.Configuration["Chaos:Enabled"] ?? "false")
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
    .WithConfiguredEnvironment("Worker:Environment")
    .WithHttpHealthCheck("/health/ready");

builder.AddProject<Projects.HaSystem_Web>("webfrontend")
    .WithReplicas(2)
    .WithHttpEndpoint()
    .WithExternalHttpEndpoints()
    .WithRedisRoles(cache, state)
    .WithReference(api)
    .WaitFor(api)
    .WithHttpHealthCheck("/health/ready");

builder.Build().Run();
