using System.Globalization;
using MlNetConcepts.Studies.Explorer;
using OpenQA.Selenium;
using OpenQA.Selenium.Interactions;

namespace MlNetConcepts.Tests.Studies.Explorer;

/// <summary>
/// The explorer in a real browser (Debian chromium, headless, through Selenium): it opens from
/// disk without console errors, a click on a dot opens that concept's panel, filters change the
/// dots drawn, search finds a label, and a hostile label is shown as text. The same check reports
/// a broken page.
/// </summary>
[TestClass]
public sealed class ExplorerBrowserTests
{
    public TestContext TestContext { get; set; } = null!;

    // One browser for the class: starting chromium is the slow part.
    private static ExplorerBrowser? _browser;

    [ClassInitialize]
    public static void StartBrowser(TestContext _)
    {
        if (ExplorerBrowser.MissingReason() is null) _browser = new ExplorerBrowser();
    }

    [ClassCleanup]
    public static void StopBrowser() => _browser?.Dispose();

    private static ExplorerBrowser Browser()
    {
        if (ExplorerBrowser.MissingReason() is string reason) Assert.Inconclusive(reason);
        return _browser!;
    }

    private static string Label(int k) => k == ExplorerTestStudy.HostileConcept ? ExplorerTestStudy.Hostile : "concept " + ExplorerTestStudy.Word(k);

    [TestMethod]
    public void TheExplorerWorksInChromium()
    {
        var browser = Browser();
        var dir = ExplorerTestStudy.Create();
        var page = Path.Combine(dir, "explorer.html");
        ExplorerPage.Write(dir, page);
        var driver = browser.Driver;
        var problems = browser.Open(page);
        Assert.IsEmpty(problems, string.Join("\n", problems));
        Assert.HasCount(ExplorerTestStudy.Concepts, browser.Dots());
        Assert.AreEqual("60 of 60 concepts shown", driver.FindElement(By.Id("count")).Text);

        // Click a dot: plotly picks the point under the pointer and the panel opens for it.
        var dot = browser.Dots()[17];
        new Actions(driver).MoveToElement(dot).Click().Perform();
        browser.Until(d => d.FindElement(By.Id("panel")).Displayed, "the concept panel is shown");
        int concept = int.Parse(driver.FindElement(By.Id("panel")).GetAttribute("data-concept")!, CultureInfo.InvariantCulture);
        Assert.AreEqual(Label(concept), driver.FindElement(By.Id("panel-title")).Text);
        Assert.AreEqual(concept.ToString(CultureInfo.InvariantCulture), Fact(driver, "feature"));
        Assert.AreEqual("1.000", Fact(driver, "stability across seeds"));

        // Filter: MS ≥ 0.5 keeps concepts 30..59 (MS = k/60).
        driver.FindElement(By.Id("ms-min")).SendKeys("0.5");
        browser.Until(_ => browser.Dots().Count == 30, "30 dots are drawn after the MS filter");
        Assert.AreEqual("30", driver.FindElement(By.Id("count")).GetAttribute("data-visible"));
        driver.FindElement(By.Id("reset")).Click();
        browser.Until(_ => browser.Dots().Count == 60, "all dots come back after reset");
        // Type filter: untick "textual" (concepts 40..59).
        driver.FindElement(By.CssSelector(".type-filter[value='textual']")).Click();
        browser.Until(_ => browser.Dots().Count == 40, "40 dots without the textual concepts");
        driver.FindElement(By.Id("reset")).Click();

        // Search by label: exactly one concept, whose panel shows its facts and the heat-map note.
        driver.FindElement(By.Id("search")).SendKeys(ExplorerTestStudy.Word(12));
        browser.Until(_ => browser.Dots().Count == 1, "one dot matches the search");
        driver.FindElement(By.CssSelector("#results button.result")).Click();
        browser.Until(d => d.FindElement(By.Id("panel-title")).Text == Label(12), "the panel shows the searched concept");
        Assert.AreEqual("0.200", Fact(driver, "MonoSemanticity"));
        Assert.AreEqual("kmeans-k8 #15 (overlap 0.600, matched)", Fact(driver, "best-matching cluster"));
        Assert.AreEqual("no heat maps in this run", driver.FindElement(By.Id("panel-heatmaps")).Text);

        // The hostile label is text: found by search, shown verbatim, nothing injected.
        var search = driver.FindElement(By.Id("search"));
        search.Clear();
        search.SendKeys("onerror");
        browser.Until(_ => browser.Dots().Count == 1, "the hostile label is found");
        driver.FindElement(By.CssSelector("#results button.result")).Click();
        browser.Until(d => d.FindElement(By.Id("panel-title")).Text == ExplorerTestStudy.Hostile, "the hostile label is shown as text");
        Assert.IsEmpty(driver.FindElements(By.CssSelector("img[src='x']")), "no element was injected");
        Assert.AreNotEqual("pwned", driver.Title);
        Assert.HasCount(1, driver.FindElements(By.CssSelector("#panel-collage img")), "the collage is shown");

        var shot = Path.Combine(TestContext.TestRunResultsDirectory ?? Path.GetTempPath(), "explorer-chromium.png");
        Directory.CreateDirectory(Path.GetDirectoryName(shot)!);
        driver.GetScreenshot().SaveAsFile(shot);
        TestContext.AddResultFile(shot);
        var late = browser.ConsoleErrors().ToList();
        Assert.IsEmpty(late, string.Join("\n", late));
        Directory.Delete(dir, true);
    }

    [TestMethod]
    [DataRow("Plotly.react(", "Plotly.reactt(", DisplayName = "a script error")]
    [DataRow("<script type=\"application/json\" id=\"explorer-data\">{", "<script type=\"application/json\" id=\"explorer-data\">{{", DisplayName = "damaged data")]
    public void ABrokenPageIsReported(string original, string broken)
    {
        var browser = Browser();
        var dir = ExplorerTestStudy.Create();
        var page = Path.Combine(dir, "explorer.html");
        ExplorerPage.Write(dir, page);
        var html = File.ReadAllText(page);
        Assert.AreEqual(1, html.Split(original).Length - 1, "the breakage applies once");
        File.WriteAllText(page, html.Replace(original, broken));
        var problems = browser.Open(page);
        Assert.IsTrue(problems.Any(p => p.StartsWith("console:", StringComparison.Ordinal)), $"a console error is seen: {string.Join("\n", problems)}");
        Assert.IsTrue(problems.Contains("the page's script never finished starting (no body[data-ready])"), string.Join("\n", problems));
        Directory.Delete(dir, true);
    }

    private static string Fact(IWebDriver driver, string name) => driver.FindElement(By.CssSelector($"#panel-facts dd[data-fact='{name}']")).Text;
}
