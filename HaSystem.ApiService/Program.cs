var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddRedisRoles();
builder.Services.AddProblemDetails();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();

app.MapDefaultEndpoints();
app.MapInfoApi();
app.MapRedisProbeApi();

app.Run();
