// The worker is a web host only so that it has the same /alive and /health endpoints as every other service.
var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddRedisRoles();
builder.AddDistributedLocks();
builder.AddWorkerApiClient();
builder.AddWorkerHeartbeat();
builder.AddLeaderElection();
builder.AddSalesReports();
builder.AddCacheWarmup();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
