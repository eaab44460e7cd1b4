"""Settings. The only module that reads the environment (prefix QCITY_)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QCITY_", extra="ignore")

    data_dir: Path = Path("data")
    database_url: str = ""  # empty: an SQLite file in data_dir
    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: str = "dev-insecure-change-me"
    session_hours: int = 12
    lockout_attempts: int = 5  # failed logins in a row before an account is locked
    lockout_minutes: int = 15
    max_upload_mb: int = 50
    demo: bool = False  # marks every page 演示数据
    cookie_secure: bool = False

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'qcity.sqlite3').resolve()}"

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"


@lru_cache
def get_settings() -> Settings:
    return Settings()
