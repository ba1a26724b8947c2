using HaSystem.ApiService.Identity;

namespace HaSystem.ApiService.Apis;

/// <summary>Who may call a diagnostic endpoint: anyone where <see cref="DiagnosticsExposure"/> opens them, else the operator.</summary>
public static class DiagnosticsAccess
{
    public static TBuilder RequireDiagnosticsAccess<TBuilder>(this TBuilder endpoint, bool anonymous) where TBuilder : IEndpointConventionBuilder =>
        anonymous ? endpoint.AllowAnonymous() : endpoint.RequireAuthorization(IdentityExtensions.OperatorPolicy);
}
