using HaSystem.ApiService.Caching;
using HaSystem.ApiService.Catalog;
using HaSystem.ApiService.Chaos;
using HaSystem.ApiService.Errors;
using HaSystem.ApiService.Identity;
using HaSystem.ApiService.Infrastructure;
using HaSystem.ApiService.RateLimiting;
using HaSystem.ApiService.Resilience;
using HaSystem.ApiService.Telemetry;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddRedisRoles();
builder.AddApiTelemetry();
builder.AddRedisResilience();
builder.AddApiErrorHandling();
builder.AddCatalogDatabase();
builder.AddTokenAuthentication();
builder.AddTenantRateLimiting();
builder.AddCatalogCache();
builder.AddCatalog();
builder.Services.AddOpenApi();

var app = builder.Build();

await app.MigrateCatalogDatabaseAsync();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
app.UseTenantRateLimiting();
app.UseCacheTrace();

app.MapDefaultEndpoints();
app.MapOpenApi().AllowAnonymous();
app.MapScalarApiReference().AllowAnonymous();
app.MapAuthApi();
app.MapInfoApi();
app.MapRedisProbeApi();
app.MapCatalogApi();
app.MapChaosApi(app.Configuration);

app.Run();
