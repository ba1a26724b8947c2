var builder = DistributedApplication.CreateBuilder(args);

// Redis: one set of Sentinels monitoring two groups with opposite memory policies (see docs/ARCHITECTURE.md).
var redisPassword = builder.AddParameter("redis-password", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);

var sentinels = builder.AddRedisSentinels("sentinel", redisPassword);
var cache = sentinels.AddMonitoredGroup("cache", replicas: 1).WithEvictingCache(sentinels.Resource.Options.CacheMaxMemory);
var state = sentinels.AddMonitoredGroup("state", replicas: 2).WithDurablePersistence();

var api = builder.AddProject<Projects.HaSystem_ApiService>("apiservice")
    .WithReplicas(3)
    .WithHttpEndpoint()
    .WithRedisRoles(cache, state)
    .WithHttpHealthCheck("/health/ready");

builder.AddProject<Projects.HaSystem_Worker>("worker")
    .WithReplicas(2)
    .WithHttpEndpoint()
    .WithRedisRoles(cache, state)
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
