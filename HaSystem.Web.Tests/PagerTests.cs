using HaSystem.Web.Components.Common;

namespace HaSystem.Web.Tests;

public sealed class PagerTests : BunitContext
{
    private static string Href(int page) => $"/catalog?page={page}";

    [Fact]
    public void A_middle_page_links_both_ways_and_marks_the_current_page()
    {
        var pager = Render<Pager>(p => p.Add(x => x.Page, 3).Add(x => x.PageCount, 5).Add(x => x.Href, Href));

        Assert.Equal("/catalog?page=2", pager.Find("[data-testid=pager-prev]").GetAttribute("href"));
        Assert.Equal("/catalog?page=4", pager.Find("[data-testid=pager-next]").GetAttribute("href"));
        Assert.Equal("Page 3 of 5", pager.Find("[aria-current=page]").TextContent);
    }

    [Fact]
    public void The_first_and_last_pages_have_no_link_beyond_them()
    {
        var first = Render<Pager>(p => p.Add(x => x.Page, 1).Add(x => x.PageCount, 2).Add(x => x.Href, Href));
        var last = Render<Pager>(p => p.Add(x => x.Page, 2).Add(x => x.PageCount, 2).Add(x => x.Href, Href));

        Assert.Empty(first.FindAll("[data-testid=pager-prev]"));
        Assert.Empty(last.FindAll("[data-testid=pager-next]"));
    }

    [Fact]
    public void A_single_page_renders_no_pager()
    {
        var pager = Render<Pager>(p => p.Add(x => x.Page, 1).Add(x => x.PageCount, 1).Add(x => x.Href, Href));

        Assert.Empty(pager.Markup.Trim());
    }
}
