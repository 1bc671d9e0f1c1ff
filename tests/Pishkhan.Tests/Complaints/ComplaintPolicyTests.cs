using Pishkhan.Calendar;
using Pishkhan.Complaints;

namespace Pishkhan.Tests.Complaints;

public class ComplaintPolicyTests
{
    private static PishkhanSettings Settings(Dictionary<string, string?> values) =>
        PishkhanSettings.From(new ConfigurationBuilder().AddInMemoryCollection(values).Build());

    [Fact]
    public void DefaultsAreTenTenAndTwentyWorkingDaysAndThreeUpheldInNinetyDays()
    {
        var p = Settings([]).Complaints;
        Assert.Equal((10, 10, 20), (p.Stage1WorkingDays, p.EscalationWindowWorkingDays, p.Stage2WorkingDays));
        Assert.Equal((3, 90), (p.UpheldThreshold, p.UpheldWindowDays));
        Assert.Equal([ComplaintCategories.Overcharging, ComplaintCategories.PrivacyBreach], p.CriticalCategories);
        Assert.Equal(TimeSpan.FromHours(24), p.DuplicateWindow);
    }

    [Fact]
    public void SettingsOverrideThePolicy()
    {
        var p = Settings(new()
        {
            ["Pishkhan:Complaints:Stage1WorkingDays"] = "7",
            ["Pishkhan:Complaints:Stage2WorkingDays"] = "15",
            ["Pishkhan:Complaints:CriticalCategories"] = "misconduct, privacyBreach",
            ["Pishkhan:Complaints:FilingWindow"] = "00:30:00",
        }).Complaints;
        Assert.Equal(7, p.Stage1WorkingDays);
        Assert.Equal(15, p.Stage2WorkingDays);
        Assert.True(p.IsCritical(ComplaintCategories.Misconduct));
        Assert.False(p.IsCritical(ComplaintCategories.Overcharging));
        Assert.Equal(TimeSpan.FromMinutes(30), p.FilingWindow);
    }

    [Theory]
    [InlineData("Pishkhan:Complaints:CriticalCategories", "bribery")]
    [InlineData("Pishkhan:Complaints:Stage1WorkingDays", "0")]
    [InlineData("Pishkhan:Complaints:DuplicateWindow", "-01:00:00")]
    public void AWrongSettingFailsAtStartUp(string key, string value) =>
        Assert.Throws<InvalidOperationException>(() => Settings(new() { [key] = value }));

    [Theory]
    [InlineData("2026-11-24", 2026, 11, 24)]
    [InlineData("1405-09-03", 2026, 11, 24)]
    [InlineData("۱۴۰۵-۰۹-۰۳", 2026, 11, 24)]
    [InlineData("٢٠٢٦-١١-٢٤", 2026, 11, 24)]
    public void DatesAreReadAsGregorianOrJalali(string input, int y, int m, int d)
    {
        Assert.True(DateInput.TryParse(input, out var date));
        Assert.Equal(new DateOnly(y, m, d), date);
    }

    [Theory]
    [InlineData("1405-12-31")]
    [InlineData("2026-02-30")]
    [InlineData("1899-12-31")]
    [InlineData("1600-01-01")]
    [InlineData("2026-11-24T00:00")]
    [InlineData(" 2026-11-24")]
    [InlineData("24/11/2026")]
    public void ImpossibleOrOddDatesAreRefused(string input) => Assert.False(DateInput.TryParse(input, out _));

    [Fact]
    public void CategoriesHavePersianAndEnglishLabels()
    {
        Assert.Equal(8, ComplaintCategories.All.Count);
        Assert.All(ComplaintCategories.All, c =>
        {
            Assert.False(string.IsNullOrWhiteSpace(c.Fa));
            Assert.False(string.IsNullOrWhiteSpace(c.En));
            Assert.Contains(c.Fa, ch => ch is >= '\u0600' and <= '\u06FF');
        });
    }
}
