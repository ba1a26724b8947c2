using System.Net;
using HaSystem.Web.ApiClients;
using HaSystem.Web.Cart;
using HaSystem.Web.Components.Common;

namespace HaSystem.Web.Tests;

public sealed class NoticeTests : BunitContext
{
    [Fact]
    public void A_problem_is_announced_at_once_and_news_politely()
    {
        var problem = Render<Notice>(p => p.Add(x => x.Text, "Down").Add(x => x.IsProblem, true));
        var news = Render<Notice>(p => p.Add(x => x.Text, "Saved"));

        Assert.Equal("alert", problem.Find("div").GetAttribute("role"));
        Assert.Equal("status", news.Find("div").GetAttribute("role"));
    }

    [Fact]
    public void An_expired_sign_in_offers_the_way_back_to_the_page()
    {
        var notice = Render<ApiErrorNotice>(p => p.Add(x => x.Error, ApiError.SignInRequired).Add(x => x.ReturnUrl, "/orders?page=2"));

        Assert.Contains("sign in again", notice.Markup, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("sign-in?ReturnUrl=%2Forders%3Fpage%3D2", notice.Find("a").GetAttribute("href"));
    }

    [Fact]
    public void A_server_error_shows_a_general_message_not_its_details()
    {
        var error = ApiError.FromResponse(HttpStatusCode.InternalServerError, new ProblemBody(null, "Boom", "NullReferenceException at line 42", null));
        var notice = Render<ApiErrorNotice>(p => p.Add(x => x.Error, error));

        Assert.DoesNotContain("NullReferenceException", notice.Markup, StringComparison.Ordinal);
        Assert.Contains("temporarily unavailable", notice.Markup, StringComparison.Ordinal);
        Assert.Empty(notice.FindAll("a"));
    }

    [Fact]
    public void A_cart_outcome_renders_its_message_and_an_unknown_one_nothing()
    {
        var unavailable = Render<CartOutcomeNotice>(p => p.Add(x => x.Outcome, CartOutcome.Unavailable));
        var forged = Render<CartOutcomeNotice>(p => p.Add(x => x.Outcome, "<script>alert(1)</script>"));

        Assert.Contains("temporarily unavailable", unavailable.Markup, StringComparison.Ordinal);
        Assert.Equal("alert", unavailable.Find("div").GetAttribute("role"));
        Assert.Empty(forged.Markup.Trim());
    }
}
