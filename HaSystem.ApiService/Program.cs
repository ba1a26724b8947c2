using HaSystem.ApiService.Apis;
using HaSystem.ApiService.Caching;
using HaSystem.ApiService.Catalog;
using HaSystem.ApiService.Chaos;
using HaSystem.ApiService.Coordination;
using HaSystem.ApiService.Errors;
using HaSystem.ApiService.Identity;
using HaSystem.ApiService.Infrastructure;
using HaSystem.ApiService.Orders;
using HaSystem.ApiService.RateLimiting;
using HaSystem.ApiService.Reports;
using HaSystem.ApiService.Retention;
using HaSystem.ApiService.Telemetry;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddRedisRoles();
builder.AddApiTelemetry();
builder.AddDistributedLocks();
builder.AddApiErrorHandling();
builder.AddCatalogDatabase();
builder.AddTokenAuthentication();
builder.AddTenantRateLimiting();
builder.AddCatalogCache();
builder.AddCatalog();
builder.AddOrders();
builder.AddReports();
builder.AddRetention();
builder.Services.AddOpenApi();
var diagnosticsAreAnonymous = builder.DiagnosticsAreAnonymous();

var app = builder.Build();

await app.MigrateCatalogDatabaseAsync();
await app.WarmUpOrdersAsync();

app.UseExceptionHandler();
app.UseCatalogDatabaseDeadline();
app.UseStatusCodePages();
app.UseUtf8JsonBodies();
app.UseAuthentication();
app.UseAuthorization();
app.UseTenantRateLimiting();
app.UseCacheTrace();

app.MapDefaultEndpoints();
app.MapApiReference(open: diagnosticsAreAnonymous);
app.MapAuthApi();
app.MapServiceTokenApi();
app.MapInfoApi(anonymous: diagnosticsAreAnonymous);
app.MapRedisProbeApi(anonymous: diagnosticsAreAnonymous);
app.MapCatalogApi();
app.MapCacheWarmupApi();
app.MapOrdersApi();
app.MapReportsApi();
app.MapCoordinationApi();
app.MapChaosApi(app.Configuration);

app.Run();
