; Inno Setup script for Rackbook's Windows installer, run by packaging/build on Windows:
;   ISCC /DVersion=0.1.0 /DSource=dist\rackbook /DOutputDir=dist /DOutputName=... rackbook.iss
; Installs for the current user (no administrator rights needed), with a Start menu entry that
; opens the window (rackbookw.exe, no console) and rackbook.exe for the command line.

#ifndef Version
  #error Version must be given: /DVersion=...
#endif

[Setup]
AppId={{6B1F3C7E-2D4A-4B8E-9C1A-52A7E0F3D9B4}
AppName=Rackbook
AppVersion={#Version}
AppVerName=Rackbook {#Version}
AppPublisher=Rackbook
DefaultDirName={autopf}\Rackbook
DefaultGroupName=Rackbook
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible arm64
ArchitecturesInstallIn64BitMode=x64compatible arm64
OutputDir={#OutputDir}
OutputBaseFilename={#OutputName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\rackbookw.exe

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#Source}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\Rackbook"; Filename: "{app}\rackbookw.exe"
Name: "{autodesktop}\Rackbook"; Filename: "{app}\rackbookw.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\rackbookw.exe"; Description: "{cm:LaunchProgram,Rackbook}"; Flags: nowait postinstall skipifsilent
