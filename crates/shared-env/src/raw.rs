//! Where raw values come from: the `config` crate merges the TOML file and the environment.

use std::collections::HashMap;

/// Raw setting values by lower-cased key.
#[derive(Debug, Clone, Default)]
pub struct Source {
    values: HashMap<String, String>,
}

impl Source {
    pub fn from_map(values: HashMap<String, String>) -> Self {
        Self { values }
    }

    /// The optional TOML file (`IAM_CONFIG_FILE`, default `iam.toml`) overlaid by the
    /// environment.
    pub fn from_file_and_env() -> Result<Self, String> {
        match std::env::var("IAM_CONFIG_FILE") {
            Ok(path) => Self::from_toml_and_env(&path, true),
            Err(_) => Self::from_toml_and_env("iam.toml", false),
        }
    }

    /// The TOML file at `path` (an error if `required` and absent) overlaid by the
    /// environment.
    pub fn from_toml_and_env(path: &str, required: bool) -> Result<Self, String> {
        let built = config::Config::builder()
            .add_source(config::File::new(path, config::FileFormat::Toml).required(required))
            .add_source(config::Environment::default())
            .build()
            .map_err(|e| format!("IAM_CONFIG_FILE: cannot read {path}: {e}"))?;
        let table = built
            .try_deserialize::<HashMap<String, config::Value>>()
            .map_err(|e| format!("IAM_CONFIG_FILE: {path}: {e}"))?;
        let values = table
            .into_iter()
            .filter_map(|(k, v)| v.into_string().ok().map(|v| (k.to_ascii_lowercase(), v)))
            .collect();
        Ok(Self { values })
    }

    /// A non-empty value.
    pub fn get(&self, key: &str) -> Option<String> {
        self.values
            .get(&key.to_ascii_lowercase())
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::Source;

    #[test]
    fn reads_the_toml_file_under_the_environment() {
        let path = std::env::temp_dir().join(format!("iam-settings-{}.toml", std::process::id()));
        std::fs::write(&path, "cookie_prefix = \"from-toml\"\nsession_fresh_age = 120\n").unwrap();
        let source = Source::from_toml_and_env(path.to_str().unwrap(), true).unwrap();
        assert_eq!(source.get("COOKIE_PREFIX").as_deref(), Some("from-toml"));
        assert_eq!(source.get("SESSION_FRESH_AGE").as_deref(), Some("120"));
        // Variables of the process environment are there too.
        assert!(source.get("PATH").is_some());
        std::fs::remove_file(&path).unwrap();
        assert!(Source::from_toml_and_env(path.to_str().unwrap(), true).is_err());
        assert!(Source::from_toml_and_env(path.to_str().unwrap(), false).is_ok());
    }
}
