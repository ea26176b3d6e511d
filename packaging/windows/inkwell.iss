; Inno Setup script for Inkwell's Windows installer (https://jrsoftware.org/isinfo.php).
; Build the bundle first (dist\inkwell, see packaging\README.md), then from the repository root:
;
;   iscc /DAppVersion=0.1.0 packaging\windows\inkwell.iss    -> dist\Inkwell-0.1.0-setup.exe
;
; The installer is per user (no administrator rights), adds Start menu and optional desktop
; shortcuts to the windowed inkwellw.exe, and an uninstaller. Chats, settings and downloaded
; models in %LOCALAPPDATA%\Inkwell are left in place on uninstall.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{5B0C7E0E-6F3A-4C55-9D0B-1E7A4C1B9A21}
AppName=Inkwell
AppVersion={#AppVersion}
AppPublisher=Inkwell
DefaultDirName={autopf}\Inkwell
DefaultGroupName=Inkwell
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
SourceDir=..\..
OutputDir=dist
OutputBaseFilename=Inkwell-{#AppVersion}-setup
SetupIconFile=build\bundle\inkwell.ico
UninstallDisplayIcon={app}\inkwellw.exe
Compression=lzma2
SolidCompression=yes
WizardStyle=modern

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "dist\inkwell\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\Inkwell"; Filename: "{app}\inkwellw.exe"
Name: "{autodesktop}\Inkwell"; Filename: "{app}\inkwellw.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\inkwellw.exe"; Description: "{cm:LaunchProgram,Inkwell}"; Flags: nowait postinstall skipifsilent
