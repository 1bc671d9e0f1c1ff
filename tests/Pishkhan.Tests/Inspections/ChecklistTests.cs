using Pishkhan.Inspections;
using Pishkhan.Problems;

namespace Pishkhan.Tests.Inspections;

public class ChecklistTests
{
    [Fact]
    public void DefaultChecklistHasAtLeastTwentyItemsCoveringEveryCategory()
    {
        var items = DefaultChecklist.Template.Items;
        Assert.True(items.Count >= 20, $"{items.Count} items");
        Assert.Equal(Enum.GetValues<ChecklistCategory>().Order(), items.Select(i => i.Category).Distinct().Order());
        Assert.Contains(items, i => i.Critical);
        Assert.Contains(items, i => !i.Critical);
    }

    [Fact]
    public void DefaultChecklistPassesTheRulesAnAdminsTemplateMust()
    {
        var errors = new FieldErrors();
        var validated = ChecklistRules.Validate(errors, DefaultChecklist.Template.Items);
        Assert.False(errors.Any, string.Join("; ", errors.ToDictionary().Select(e => e.Key + ": " + string.Join(",", e.Value))));
        Assert.Equal(DefaultChecklist.Template.Items, validated);
    }

    [Fact]
    public void DefaultChecklistIsWrittenInPersianLetters()
    {
        foreach (var item in DefaultChecklist.Template.Items)
        {
            Assert.Contains(item.Text, c => c is >= '\u0600' and <= '\u06FF');
            Assert.DoesNotContain('\u064A', item.Text); // Arabic yeh
            Assert.DoesNotContain('\u0643', item.Text); // Arabic kaf
        }
    }

    [Fact]
    public void TemplateRulesRejectDuplicateCodesBadWeightsAndArabicCodes()
    {
        var errors = new FieldErrors();
        var result = ChecklistRules.Validate(errors,
        [
            new("receipts", "رسید", ChecklistCategory.TariffsAndReceipts, 3),
            new("RECEIPTS", "رسید دوباره", ChecklistCategory.TariffsAndReceipts, 3),
            new("badge", "کارت", ChecklistCategory.StaffConduct, 0),
            new("كد", "کد عربی", ChecklistCategory.StaffConduct, 2),
        ]);
        Assert.Null(result);
        var fields = errors.ToDictionary().Keys.ToHashSet();
        Assert.Equal(new HashSet<string> { "items[1].code", "items[2].weight", "items[3].code" }, fields);
    }

    [Fact]
    public void TemplateTextIsStoredWithPersianLetters()
    {
        var errors = new FieldErrors();
        var result = ChecklistRules.Validate(errors, [new("tariff", "تعرفه مصوب ي ك", ChecklistCategory.TariffsAndReceipts, 2)]);
        Assert.Equal("تعرفه مصوب ی ک", result!.Single().Text);
    }

    [Theory]
    [InlineData("current", null)]
    [InlineData("3", 3)]
    [InlineData("۱۲", 12)]
    public void VersionIsCurrentOrANumber(string raw, int? expected) =>
        Assert.Equal(expected, ChecklistRules.ParseVersion(raw, allowCurrent: true));

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1e3")]
    [InlineData("1234567")]
    [InlineData("latest")]
    public void OtherVersionsAreRejected(string raw) =>
        Assert.Throws<ApiProblem>(() => ChecklistRules.ParseVersion(raw, allowCurrent: true));
}
