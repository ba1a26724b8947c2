using System.Net;
using System.Text.RegularExpressions;
using HaSystem.Testing.Load;

namespace HaSystem.Testing.Traffic;

/// <summary>
/// Session writes through the shop: signed-in browser sessions (cookies, antiforgery tokens) that add a product to
/// their cart and take it out again. Each change is a read of the session from the <c>state</c> group and a write
/// back to it, so it fails visibly while no <c>state</c> primary is reachable ("your cart is temporarily unavailable").
/// </summary>
public sealed partial class ShopTraffic : IDisposable
{
    private readonly IReadOnlyList<ShopSession> _sessions;

    private ShopTraffic(IReadOnlyList<ShopSession> sessions) => _sessions = sessions;

    public static async Task<ShopTraffic> SignInAsync(HaSystemApp system, string user, string password, TrafficOptions options)
    {
        var shop = system.SharedEndpoint("webfrontend");
        var sessions = new List<ShopSession>();
        try
        {
            for (var i = 0; i < options.ShopSessions; i++)
            {
                sessions.Add(await ShopSession.SignInAsync(shop, user, password, productId: i + 1));
            }
        }
        catch
        {
            sessions.ForEach(s => s.Dispose());
            throw;
        }

        return new ShopTraffic(sessions);
    }

    /// <summary>Request <paramref name="sequence"/>: its session adds its product on even turns and removes it on odd ones.</summary>
    public Task<Outcome> ChangeCartAsync(long sequence, CancellationToken cancellationToken)
    {
        var session = _sessions[(int)(sequence % _sessions.Count)];
        var add = sequence / _sessions.Count % 2 == 0;
        return add ? session.AddAsync(cancellationToken) : session.RemoveAsync(cancellationToken);
    }

    public void Dispose()
    {
        foreach (var session in _sessions)
        {
            session.Dispose();
        }
    }

    /// <summary>One browser: its cookie jar, its antiforgery token, the product it puts in and takes out.</summary>
    private sealed partial class ShopSession : IDisposable
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
        private readonly HttpClient _http;
        private readonly long _productId;
        private string _antiforgery = "";

        private ShopSession(Uri shop, long productId)
        {
            _productId = productId;
            _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
            {
                BaseAddress = shop,
                Timeout = System.Threading.Timeout.InfiniteTimeSpan,
            };
        }

        public static async Task<ShopSession> SignInAsync(Uri shop, string user, string password, long productId)
        {
            var session = new ShopSession(shop, productId);
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                var form = HiddenInputs(await session._http.GetStringAsync("/sign-in", cts.Token));
                form["Form.UserName"] = user;
                form["Form.Password"] = password;
                form["Form.ReturnUrl"] = "/catalog";
                using var signIn = await session._http.PostAsync("/sign-in", new FormUrlEncodedContent(form), cts.Token);
                if (signIn.StatusCode != HttpStatusCode.Redirect)
                {
                    throw new InvalidOperationException($"Signing {user} in to the shop answered {(int)signIn.StatusCode}, not a redirect.");
                }

                // The cart forms carry an antiforgery token bound to the signed-in user; one serves every later post.
                var catalog = HiddenInputs(await session._http.GetStringAsync("/catalog", cts.Token));
                session._antiforgery = catalog.GetValueOrDefault("__RequestVerificationToken")
                    ?? throw new InvalidOperationException("The catalog page has no antiforgery token: the sign-in did not take.");
                return session;
            }
            catch
            {
                session.Dispose();
                throw;
            }
        }

        public Task<Outcome> AddAsync(CancellationToken cancellationToken) =>
            PostAsync("/cart/items", new Dictionary<string, string> { ["productId"] = $"{_productId}", ["returnUrl"] = "/cart" }, cancellationToken);

        public Task<Outcome> RemoveAsync(CancellationToken cancellationToken) =>
            PostAsync($"/cart/items/{_productId}/remove", [], cancellationToken);

        /// <summary>A cart post answers with a redirect whose <c>cart=</c> outcome says whether the change was saved.</summary>
        private async Task<Outcome> PostAsync(string path, Dictionary<string, string> fields, CancellationToken cancellationToken)
        {
            fields["__RequestVerificationToken"] = _antiforgery;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            try
            {
                using var response = await _http.PostAsync(path, new FormUrlEncodedContent(fields), timeout.Token);
                if (response.StatusCode != HttpStatusCode.Redirect)
                {
                    return Outcome.Failure(((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
                }

                var outcome = CartOutcome().Match(response.Headers.Location?.OriginalString ?? "").Groups[1].Value;
                return outcome is "added" or "removed" or "full" ? Outcome.Success(302) : Outcome.Failure($"cart={outcome}");
            }
            catch (OperationCanceledException)
            {
                return Outcome.Failure("timeout");
            }
            catch (HttpRequestException)
            {
                return Outcome.Failure("connection");
            }
        }

        private static Dictionary<string, string> HiddenInputs(string html) =>
            HiddenInput().Matches(html)
                .Select(m => (Name: Attribute(m.Value, "name"), Value: Attribute(m.Value, "value")))
                .Where(i => i.Name is not null)
                .GroupBy(i => i.Name!)
                .ToDictionary(g => g.Key, g => WebUtility.HtmlDecode(g.First().Value ?? ""));

        private static string? Attribute(string tag, string name)
        {
            var match = Regex.Match(tag, $"""\b{name}="([^"]*)" """.TrimEnd());
            return match.Success ? match.Groups[1].Value : null;
        }

        [GeneratedRegex("""<input[^>]*type="hidden"[^>]*>""")]
        private static partial Regex HiddenInput();

        [GeneratedRegex("""[?&]cart=([a-z-]+)""")]
        private static partial Regex CartOutcome();

        public void Dispose() => _http.Dispose();
    }
}
