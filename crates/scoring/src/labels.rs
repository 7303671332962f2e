//! Chinese and English labels of the classes this crate assigns, beside their stable
//! storage names (`as_str`, from [`rapport_domain::string_enum`]).

/// Labels of a class for people: 中文 and English.
pub trait Labelled {
    fn label_zh(&self) -> &'static str;
    fn label_en(&self) -> &'static str;
}

/// Implements [`Labelled`] from a table of `Variant => ("中文", "English")`.
macro_rules! labels {
    ($ty:ty { $($variant:ident => ($zh:literal, $en:literal)),+ $(,)? }) => {
        impl $crate::labels::Labelled for $ty {
            fn label_zh(&self) -> &'static str {
                match self { $(Self::$variant => $zh),+ }
            }
            fn label_en(&self) -> &'static str {
                match self { $(Self::$variant => $en),+ }
            }
        }
    };
}
pub(crate) use labels;
