namespace HaSystem.Web.Hosting;

public static class StaticAssetsExtensions
{
    /// <summary>
    /// Serves the stylesheet and <c>blazor.web.js</c> when the app runs from its build output (as the AppHost runs it,
    /// with <c>dotnet run --no-build</c> and no launch profile, so not in Development). Without this, only a published
    /// app finds the assets outside <c>wwwroot</c> (the framework's script, the pre-compressed copies) and a browser
    /// asking for gzip gets an empty 200 answer. Runtime reloading of edited assets stays off: its development handler
    /// fails on the framework's own assets ("Could not find file …/wwwroot/_framework/blazor.web.js").
    /// </summary>
    public static WebApplicationBuilder ServeStaticAssetsFromBuildOutput(this WebApplicationBuilder builder)
    {
        builder.Configuration["ReloadStaticAssetsAtRuntime"] ??= "false";
        builder.WebHost.UseStaticWebAssets();
        return builder;
    }
}
