using HaSystem.Web.ApiClients;
using HaSystem.Web.Cart;
using HaSystem.Web.Checkout;
using HaSystem.Web.Components;
using HaSystem.Web.DataProtection;
using HaSystem.Web.Hosting;
using HaSystem.Web.Identity;
using HaSystem.Web.Sessions;
using HaSystem.Web.Status;

var builder = WebApplication.CreateBuilder(args);

builder.ServeStaticAssetsFromBuildOutput();
builder.AddServiceDefaults();
builder.AddHttpsPolicy();
builder.AddRedisRoles();
builder.AddDistributedLocks();
builder.AddSharedKeyRing();
builder.AddRedisSessions();
builder.AddApiClients();
builder.AddWebAuthentication();
builder.AddShoppingCart();
builder.AddSystemStatus();
builder.Services.AddRazorComponents();

var app = builder.Build();

await app.InitializeSharedKeyRingAsync();

app.UseExceptionHandler("/error", createScopeForErrors: true);
app.UseHttpsPolicy();
app.UseStatusCodePagesWithReExecute("/status-code/{0}");
app.UseRedisSessions();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapStaticAssets();
app.MapDefaultEndpoints();
app.MapReplicaEndpoint();
app.MapSignOut();
app.MapCartEndpoints();
app.MapCheckoutEndpoints();
app.MapRazorComponents<App>();

app.Run();
