namespace Pishkhan;

/// <summary>The 31 provinces of Iran: the code used in keys and routes, and the Persian name.</summary>
public static class Provinces
{
    public static readonly IReadOnlyDictionary<string, string> Names = new Dictionary<string, string>
    {
        ["alborz"] = "البرز", ["ardabil"] = "اردبیل", ["bushehr"] = "بوشهر", ["chaharmahal-bakhtiari"] = "چهارمحال و بختیاری",
        ["east-azerbaijan"] = "آذربایجان شرقی", ["esfahan"] = "اصفهان", ["fars"] = "فارس", ["gilan"] = "گیلان",
        ["golestan"] = "گلستان", ["hamadan"] = "همدان", ["hormozgan"] = "هرمزگان", ["ilam"] = "ایلام",
        ["kerman"] = "کرمان", ["kermanshah"] = "کرمانشاه", ["khuzestan"] = "خوزستان", ["kohgiluyeh-boyer-ahmad"] = "کهگیلویه و بویراحمد",
        ["kurdistan"] = "کردستان", ["lorestan"] = "لرستان", ["markazi"] = "مرکزی", ["mazandaran"] = "مازندران",
        ["north-khorasan"] = "خراسان شمالی", ["qazvin"] = "قزوین", ["qom"] = "قم", ["razavi-khorasan"] = "خراسان رضوی",
        ["semnan"] = "سمنان", ["sistan-baluchestan"] = "سیستان و بلوچستان", ["south-khorasan"] = "خراسان جنوبی", ["tehran"] = "تهران",
        ["west-azerbaijan"] = "آذربایجان غربی", ["yazd"] = "یزد", ["zanjan"] = "زنجان",
    };

    public static bool IsKnown(string? code) => code is not null && Names.ContainsKey(code);
}
